"""The organization's production settings (log retention) and the retention job."""
