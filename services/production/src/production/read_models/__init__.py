"""What production keeps of other services' data, from their events (it never reads
another schema): materials and released bills of materials from inventory."""
