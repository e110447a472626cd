using System.Globalization;
using System.Net;

namespace Pipeline;

/// <summary>The HTTP versions a request may ask for, and how configuration writes them.</summary>
internal static class HttpVersionRules
{
    /// <summary>The text of the versions <see cref="Validate(Version, string)"/> accepts, for messages.</summary>
    public const string Allowed = "1.0, 1.1, 2.0 or 3.0";

    /// <summary>
    /// Returns the version as one of HttpClient's own instances (<see cref="HttpVersion.Version11"/>, ...): SocketsHttpHandler
    /// speaks HTTP/1.0, HTTP/1.1, HTTP/2 and HTTP/3, and refuses any other version only when the request is sent.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="version"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not 1.0, 1.1, 2.0 or 3.0.</exception>
    public static Version Validate(Version version, string paramName)
    {
        ArgumentNullException.ThrowIfNull(version, paramName);
        return Known(version)
            ?? throw new ArgumentOutOfRangeException(paramName, version, $"The HTTP version must be {Allowed}.");
    }

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="policy"/> is not a defined <see cref="HttpVersionPolicy"/>.</exception>
    public static HttpVersionPolicy Validate(HttpVersionPolicy policy, string paramName) =>
        Enum.IsDefined(policy) ? policy : throw new ArgumentOutOfRangeException(paramName, policy, "The version policy must be RequestVersionOrLower, RequestVersionOrHigher or RequestVersionExact.");

    /// <summary>Reads <c>"2.0"</c>, <c>"2"</c>, <c>"1.1"</c> or <c>"HTTP/2"</c>; null for anything else.</summary>
    public static Version? Parse(string text)
    {
        var value = text.Trim();
        if (value.StartsWith("HTTP/", StringComparison.OrdinalIgnoreCase))
        {
            value = value[5..];
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return Known(new Version(major, 0));
        }

        return Version.TryParse(value, out var version) ? Known(version) : null;
    }

    /// <summary>Reads a policy by its name, ignoring case; numbers are refused (configuration names it).</summary>
    public static HttpVersionPolicy? ParsePolicy(string text)
    {
        var value = text.Trim();
        foreach (var policy in Enum.GetValues<HttpVersionPolicy>())
        {
            if (string.Equals(policy.ToString(), value, StringComparison.OrdinalIgnoreCase))
            {
                return policy;
            }
        }

        return null;
    }

    /// <summary>The version as HttpClient's own instance, or null when it is none of 1.0, 1.1, 2.0 and 3.0.</summary>
    public static Version? Known(Version version) => (version.Major, version.Minor, version.Build, version.Revision) switch
    {
        (1, 0, <= 0, <= 0) => HttpVersion.Version10,
        (1, 1, <= 0, <= 0) => HttpVersion.Version11,
        (2, 0, <= 0, <= 0) => HttpVersion.Version20,
        (3, 0, <= 0, <= 0) => HttpVersion.Version30,
        _ => null,
    };
}
