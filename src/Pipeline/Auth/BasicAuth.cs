using System.Text;

namespace Pipeline;

/// <summary>Sends HTTP Basic credentials in the <c>Authorization</c> header (requests' <c>HTTPBasicAuth</c>).</summary>
/// <remarks>Credentials are encoded as ISO-8859-1 by default, as requests does; pass <see cref="Encoding.UTF8"/> for servers that expect UTF-8 (RFC 7617 <c>charset="UTF-8"</c>).</remarks>
public class BasicAuth : Auth
{
    private readonly string _headerValue;

    /// <summary>Initializes a new instance of the <see cref="BasicAuth"/> class.</summary>
    /// <param name="user">The user name.</param>
    /// <param name="password">The password.</param>
    /// <param name="encoding">The credential encoding; ISO-8859-1 when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="user"/> or <paramref name="password"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The credentials have characters the encoding cannot represent.</exception>
    public BasicAuth(string user, string password, Encoding? encoding = null)
    {
        AuthArguments.NotNull(user, GetType().Name, "a user name", nameof(user));
        AuthArguments.NotNull(password, GetType().Name, "a password", nameof(password));
        User = user;
        Password = password;
        Encoding = encoding ?? Encoding.Latin1;
        _headerValue = "Basic " + Convert.ToBase64String(Encode(user + ":" + password, Encoding));
    }

    /// <summary>Gets the user name.</summary>
    public string User { get; }

    /// <summary>Gets the password.</summary>
    public string Password { get; }

    /// <summary>Gets the credential encoding.</summary>
    /// <value>The default value is ISO-8859-1, as requests.</value>
    public Encoding Encoding { get; }

    /// <summary>Gets the name of the header this scheme sets.</summary>
    protected virtual string HeaderName => "Authorization";

    /// <inheritdoc/>
    public override void Apply(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Remove(HeaderName);
        request.Headers.TryAddWithoutValidation(HeaderName, _headerValue);
    }

    /// <summary>Returns the scheme and user name; the password is never shown.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => $"{GetType().Name}({User}, ***)";

    private static byte[] Encode(string credentials, Encoding encoding)
    {
        var strict = (Encoding)encoding.Clone();
        strict.EncoderFallback = EncoderFallback.ExceptionFallback;
        try
        {
            return strict.GetBytes(credentials);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(
                $"The credentials contain characters that {encoding.WebName} cannot encode; pass Encoding.UTF8 to encode them as UTF-8.", ex);
        }
    }
}
