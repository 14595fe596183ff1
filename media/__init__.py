"""Media: storage backends now; uploads, renditions and scans build on it."""
