"""The ops overview page at ``/admin/ops``, the ops pages' sign-in, and the token and
policy counters it shows."""
