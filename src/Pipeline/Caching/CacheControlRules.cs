using System.Globalization;
using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>Parses <c>Cache-Control</c> (RFC 9111 §5.2) and the request's <c>Pragma: no-cache</c> (§5.4).</summary>
internal static class CacheControlRules
{
    /// <summary>RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31 seconds.</summary>
    private static readonly TimeSpan MaxDelta = TimeSpan.FromSeconds(2147483648);

    /// <summary>Parses one or more Cache-Control field values; names are case-insensitive and the first of a repeated directive wins (§4.2.1).</summary>
    public static CacheDirectives Parse(IEnumerable<string>? values)
    {
        var directives = new CacheDirectives();
        if (values is null)
        {
            return directives;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var value in values)
        {
            foreach (var (name, argument) in Split(value))
            {
                if (seen.Add(name))
                {
                    Apply(directives, name.ToLowerInvariant(), argument);
                }
            }
        }

        return directives;
    }

    public static CacheDirectives Parse(string? value) => Parse(value is null ? null : [value]);

    /// <summary>
    /// The directives of a request as the cache applies them: the request options' (they win) over the Cache-Control
    /// header the caller set; without a Cache-Control header, <c>Pragma: no-cache</c> is <c>no-cache</c> (§5.4).
    /// </summary>
    public static CacheDirectives ForRequest(HttpRequestHeaders headers, CacheControlHeaderValue? options)
    {
        var values = new List<string>(2);
        if (options is not null)
        {
            values.Add(options.ToString());
        }

        var hasHeader = headers.NonValidated.TryGetValues("Cache-Control", out var header);
        if (hasHeader)
        {
            foreach (var value in header)
            {
                values.Add(value);
            }
        }

        var directives = Parse(values);
        if (!hasHeader && headers.NonValidated.TryGetValues("Pragma", out var pragma) && Contains(pragma, "no-cache"))
        {
            directives.NoCache = true;
        }

        return directives;
    }

    /// <summary>Splits a field value into directives: <c>name</c>, <c>name=token</c> or <c>name="quoted, string"</c>.</summary>
    public static List<(string Name, string? Argument)> Split(string value)
    {
        var result = new List<(string, string?)>();
        var i = 0;
        while (i < value.Length)
        {
            while (i < value.Length && (value[i] is ',' or ' ' or '\t'))
            {
                i++;
            }

            var start = i;
            while (i < value.Length && value[i] is not (',' or '=' or ' ' or '\t'))
            {
                i++;
            }

            var name = value[start..i];
            while (i < value.Length && value[i] is ' ' or '\t')
            {
                i++;
            }

            string? argument = null;
            if (i < value.Length && value[i] == '=')
            {
                i++;
                (argument, i) = ReadArgument(value, i);
            }

            // Anything else up to the next comma is not part of a valid directive.
            while (i < value.Length && value[i] != ',')
            {
                i++;
            }

            if (name.Length > 0)
            {
                result.Add((name, argument));
            }
        }

        return result;
    }

    private static (string Argument, int Next) ReadArgument(string value, int i)
    {
        while (i < value.Length && value[i] is ' ' or '\t')
        {
            i++;
        }

        if (i < value.Length && value[i] == '"')
        {
            var builder = new System.Text.StringBuilder();
            i++;
            while (i < value.Length && value[i] != '"')
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    i++;
                }

                builder.Append(value[i]);
                i++;
            }

            return (builder.ToString(), Math.Min(i + 1, value.Length));
        }

        var start = i;
        while (i < value.Length && value[i] is not (',' or ' ' or '\t'))
        {
            i++;
        }

        return (value[start..i], i);
    }

    private static void Apply(CacheDirectives directives, string name, string? argument)
    {
        switch (name)
        {
            case "max-age":
                directives.MaxAge = Delta(argument);
                break;
            case "s-maxage":
                directives.SharedMaxAge = Delta(argument);
                break;
            case "max-stale":
                // Without a value any staleness is accepted (§5.2.1.2).
                directives.MaxStale = argument is null ? TimeSpan.MaxValue : Delta(argument);
                break;
            case "min-fresh":
                directives.MinFresh = Delta(argument);
                break;
            case "stale-while-revalidate":
                directives.StaleWhileRevalidate = argument is null ? null : Delta(argument);
                break;
            case "stale-if-error":
                directives.StaleIfError = argument is null ? null : Delta(argument);
                break;
            case "no-cache":
                // The qualified form (no-cache="Set-Cookie") is treated as the unqualified one, which §5.2.2.4 allows.
                directives.NoCache = true;
                break;
            case "no-store":
                directives.NoStore = true;
                break;
            case "private":
                // Likewise the qualified private="field" is treated as unqualified.
                directives.Private = true;
                break;
            case "public":
                directives.Public = true;
                break;
            case "must-revalidate":
                directives.MustRevalidate = true;
                break;
            case "proxy-revalidate":
                directives.ProxyRevalidate = true;
                break;
            case "must-understand":
                directives.MustUnderstand = true;
                break;
            case "only-if-cached":
                directives.OnlyIfCached = true;
                break;
        }
    }

    /// <summary>delta-seconds (§1.2.2); an invalid value is zero, so the response is treated as stale (§4.2.1).</summary>
    private static TimeSpan Delta(string? argument)
    {
        if (argument is null || argument.Length == 0)
        {
            return TimeSpan.Zero;
        }

        foreach (var c in argument)
        {
            if (c is < '0' or > '9')
            {
                return TimeSpan.Zero;
            }
        }

        return long.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds < 2147483648
            ? TimeSpan.FromSeconds(seconds)
            : MaxDelta;
    }

    private static bool Contains(HeaderStringValues values, string directive)
    {
        foreach (var value in values)
        {
            foreach (var (name, _) in Split(value))
            {
                if (name.Equals(directive, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
