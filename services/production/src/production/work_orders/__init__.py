"""Work orders: what to make, where and when, with their operations and components, and
the state machine every order and operation follows."""
