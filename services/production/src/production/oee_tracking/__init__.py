"""OEE kept as it happens: per work center and shift, the inputs of the OEE formula
(``production.oee``) are added to a bucket in the transaction of every count and every
closed stop, so figures for any period are read from buckets, never from the logs."""
