class CustomError(Exception):
    pass


def lambda_handler(event, context):
    raise CustomError(f"always fails: {event}")
