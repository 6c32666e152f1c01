"""The thin client of our service that the command line and the portal share: the Prefect
environment of a process (lingkungan) and the operations on tickets (operasi) that go through
our store and our deployments, never through flow code."""
