"""medcode: CMS medical coding reference data, answered as of a date of service."""
