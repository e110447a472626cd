namespace Pipeline;

/// <summary>
/// Limits on the cookies a <see cref="CookieJar"/> takes from servers and files and on the Cookie header it sends,
/// as curl and browsers keep them, so that one response cannot fill the jar or make every later request too large.
/// </summary>
/// <remarks>
/// The defaults are curl's (4096 bytes a cookie, 150 cookies and 8190 bytes a header) and browsers' (180 cookies a
/// domain, 3000 in all). Cookies set with <see cref="CookieJar.Set"/> and <see cref="CookieJar.Add"/> are not refused
/// or counted against the size limit, but they count, and can be evicted, when a server's cookie makes room.
/// </remarks>
public sealed class CookieJarLimits
{
    private readonly int _maxCookieSize = 4096;
    private readonly int _maxCookiesPerDomain = 180;
    private readonly int _maxCookies = 3000;
    private readonly int _maxCookiesPerHeader = 150;
    private readonly int _maxCookieHeaderLength = 8190;

    /// <summary>Gets the default limits.</summary>
    public static CookieJarLimits Default { get; } = new();

    /// <summary>Gets the largest cookie stored, its name and value together in bytes; a larger one is ignored.</summary>
    /// <value>The default value is 4096.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxCookieSize
    {
        get => _maxCookieSize;
        init => _maxCookieSize = Positive(value);
    }

    /// <summary>
    /// Gets the most cookies kept for one domain, counted over its registrable domain (<c>example.co.uk</c> for
    /// <c>www.example.co.uk</c> and its subdomains); past it the least recently set are evicted, expired ones first.
    /// </summary>
    /// <value>The default value is 180.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxCookiesPerDomain
    {
        get => _maxCookiesPerDomain;
        init => _maxCookiesPerDomain = Positive(value);
    }

    /// <summary>Gets the most cookies kept in the jar; past it the least recently set are evicted, expired ones first.</summary>
    /// <value>The default value is 3000.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxCookies
    {
        get => _maxCookies;
        init => _maxCookies = Positive(value);
    }

    /// <summary>Gets the most cookies one Cookie header carries; those past it, in the header's order, are not sent.</summary>
    /// <value>The default value is 150.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxCookiesPerHeader
    {
        get => _maxCookiesPerHeader;
        init => _maxCookiesPerHeader = Positive(value);
    }

    /// <summary>
    /// Gets the longest Cookie header value sent, in bytes; the header stops before the first cookie, in its order, that
    /// would make it longer, and is not sent when even the first does not fit.
    /// </summary>
    /// <value>The default value is 8190.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxCookieHeaderLength
    {
        get => _maxCookieHeaderLength;
        init => _maxCookieHeaderLength = Positive(value);
    }

    private static int Positive(int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        return value;
    }
}
