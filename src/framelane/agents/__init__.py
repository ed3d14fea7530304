"""For agents and tools: the MCP server, the published render JSON Schema and llms.txt."""
