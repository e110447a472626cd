namespace Pipeline;

/// <summary>Why a cookie from a server or a file was not stored (<see cref="CookieRules.Refused"/>).</summary>
internal enum CookieRefusal
{
    /// <summary>The Set-Cookie header has no name, or a name a cookie cannot have.</summary>
    InvalidSyntax,

    /// <summary>The Domain attribute does not domain-match the request host, or the host is an IP address.</summary>
    ForeignDomain,

    /// <summary>The domain is a public suffix (RFC 6265 §5.3 step 5): <c>com</c>, <c>co.uk</c>, <c>github.io</c>.</summary>
    PublicSuffix,

    /// <summary>The name and value together exceed <see cref="CookieJarLimits.MaxCookieSize"/>.</summary>
    TooLarge,
}
