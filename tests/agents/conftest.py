from tests.fixtures.served import served

__all__ = ["served"]
