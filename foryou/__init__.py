"""For You: a signed-in person's explore feed (issue 27)."""
