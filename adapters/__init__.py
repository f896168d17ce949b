"""Platform edges: each adapter translates between one platform and the core."""
