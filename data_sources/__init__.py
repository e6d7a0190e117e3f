"""The VET management database: schema, read queries and the demo-data generator."""
