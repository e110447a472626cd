namespace Pipeline;

/// <summary>The netrc file last read (its tokens, never changed once read), with what it was read for and when.</summary>
internal sealed record NetrcSnapshot(string? ExplicitPath, long ReadAt, List<string>? Tokens);
