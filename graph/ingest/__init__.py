"""Documents into facts (issue 27): a document's text, the names, dates and stated
relationships in it, proposed for review with their quotes, and accepted into the graph."""
