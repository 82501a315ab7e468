"""Production facts from production's events, their hourly and daily rollups kept in the
same transaction, the OEE dashboard read from the rollups, and the rebuild job."""
