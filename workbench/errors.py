"""Domain exceptions: refusals whose message is written for the person who caused them."""


class ArticleRejected(ValueError):
    """The input cannot become an article; str(error) says why, for the reviewer."""
