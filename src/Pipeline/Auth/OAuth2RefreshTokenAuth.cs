namespace Pipeline;

/// <summary>
/// OAuth 2.0 refresh tokens (RFC 6749 §6): gets access tokens with a refresh token the application obtained earlier (for
/// example from an authorization code flow), keeps the refresh token the server rotates in, and sends the access tokens as
/// Bearer tokens.
/// </summary>
/// <remarks>
/// When a token response carries a new refresh token, it replaces <see cref="RefreshToken"/> and
/// <see cref="RefreshTokenRotated"/> is called with it, so the application can store it for its next start. Tokens are
/// cached and renewed as <see cref="OAuth2Auth"/> describes. A client without a secret (a public client) passes
/// <see langword="null"/> and is named by <c>client_id</c> in the body.
/// </remarks>
public sealed class OAuth2RefreshTokenAuth : OAuth2Auth
{
    private volatile string _refreshToken;

    /// <summary>Initializes a new instance of the <see cref="OAuth2RefreshTokenAuth"/> class.</summary>
    /// <param name="tokenUrl">The token endpoint, an absolute https (or http) URL.</param>
    /// <param name="clientId">The client identifier.</param>
    /// <param name="clientSecret">The client secret, or <see langword="null"/> for a public client.</param>
    /// <param name="refreshToken">The refresh token to start with.</param>
    /// <param name="scope">The scope to ask for (no broader than granted), or <see langword="null"/> for the one granted.</param>
    /// <exception cref="ArgumentException"><paramref name="tokenUrl"/> is not an absolute http or https URL, or <paramref name="clientId"/> or <paramref name="refreshToken"/> is empty.</exception>
    public OAuth2RefreshTokenAuth(string tokenUrl, string clientId, string? clientSecret, string refreshToken, string? scope = null)
        : base(tokenUrl, clientId, clientSecret, scope)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(refreshToken);
        _refreshToken = refreshToken;
    }

    /// <summary>Gets the current refresh token: the one given, or the latest the server rotated in.</summary>
    public string RefreshToken => _refreshToken;

    /// <summary>Gets the callback that receives each new refresh token the server issues, to store it; its failure fails the request that got the token.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<string, CancellationToken, ValueTask>? RefreshTokenRotated { get; init; }

    private protected override string? GrantSecret => _refreshToken;

    private protected override void AddGrant(List<KeyValuePair<string, string>> form)
    {
        form.Add(new("grant_type", "refresh_token"));
        form.Add(new("refresh_token", _refreshToken));
    }

    private protected override async ValueTask OnTokenResponseAsync(OAuth2TokenResponse response, CancellationToken cancellationToken)
    {
        // RFC 6749 §6: the server may issue a new refresh token; the client must then discard the old one.
        if (response.RefreshToken is { } rotated && rotated != _refreshToken)
        {
            _refreshToken = rotated;
            if (RefreshTokenRotated is { } callback)
            {
                await callback(rotated, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
