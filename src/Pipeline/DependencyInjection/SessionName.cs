namespace Pipeline;

/// <summary>Marks a registered session name.</summary>
internal sealed record SessionName(string Name);
