"""Accounts: councils, users, logging in and out, passwords."""
