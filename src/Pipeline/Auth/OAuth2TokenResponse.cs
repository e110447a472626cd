namespace Pipeline;

/// <summary>A successful token response (RFC 6749 §5.1), its access token already checked to be a Bearer token.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="ExpiresIn">The lifetime the server gave (<c>expires_in</c>), or null when it gave none.</param>
/// <param name="RefreshToken">The refresh token the server issued, or null.</param>
internal sealed record OAuth2TokenResponse(string AccessToken, TimeSpan? ExpiresIn, string? RefreshToken);
