using System.Net;

namespace Pipeline;

/// <summary>Cookie identity and validation rules shared by the jar and the request path.</summary>
internal static class CookieRules
{
    public static bool SameIdentity(Cookie a, Cookie b) =>
        a.Name == b.Name
        && string.Equals(a.Domain, b.Domain, StringComparison.OrdinalIgnoreCase)
        && a.Path == b.Path;

    /// <summary>Rejects names and values that would split or inject into a Cookie header.</summary>
    public static void ValidateNameAndValue(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.AsSpan().IndexOfAny("\r\n;=") >= 0 || name.AsSpan().IndexOfAny(" \t,") >= 0)
        {
            throw new ArgumentException($"Invalid cookie name '{Escape(name)}': CR, LF, ';', '=', ',' and whitespace are not allowed.", nameof(name));
        }

        if (value is not null && value.AsSpan().IndexOfAny("\r\n;") >= 0)
        {
            throw new ArgumentException($"Invalid value for cookie '{name}': CR, LF and ';' are not allowed.", nameof(value));
        }
    }

    private static string Escape(string s) => s.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
