namespace Pipeline;

/// <summary>A URL ready to send, with the credentials its user information carried.</summary>
internal readonly record struct PreparedUrl(string Url, string? User, string? Password, bool IsHttp);
