"""Test harness: real servers on a fresh temp store, transcript clients."""
