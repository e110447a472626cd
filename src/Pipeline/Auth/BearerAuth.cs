namespace Pipeline;

/// <summary>Sends a bearer token in the <c>Authorization</c> header (RFC 6750).</summary>
public class BearerAuth : Auth
{
    private readonly string _headerValue;

    /// <summary>Initializes a new instance of the <see cref="BearerAuth"/> class.</summary>
    /// <param name="token">The token.</param>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is <see langword="null"/> (a configuration key that is not set, most often).</exception>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty or contains CR, LF or another control character.</exception>
    public BearerAuth(string token)
    {
        AuthArguments.NotBlank(token, nameof(BearerAuth), "a token", nameof(token));
        if (token.AsSpan().IndexOfAnyInRange('\0', '\x1F') >= 0 || token.Contains('\x7F', StringComparison.Ordinal))
        {
            throw new ArgumentException("A bearer token cannot contain CR, LF or another control character.", nameof(token));
        }

        Token = token;
        _headerValue = "Bearer " + token;
    }

    /// <summary>Gets the token.</summary>
    public string Token { get; }

    /// <inheritdoc/>
    public override void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation("Authorization", _headerValue);
    }

    /// <summary>Returns the scheme name; the token is never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => "BearerAuth(***)";
}
