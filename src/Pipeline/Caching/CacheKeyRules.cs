using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>
/// RFC 9111 §2 and §4.1: the primary cache key is the method and the target URI (never the session's name); the
/// request header fields a response's Vary names select among the responses stored under it.
/// </summary>
internal static class CacheKeyRules
{
    /// <summary>Stored responses kept side by side for one key; beyond it the oldest is dropped.</summary>
    public const int MaxVariants = 8;

    /// <summary>The primary key: method and URI without its fragment, as <c>GET http://host/path?q</c>.</summary>
    public static string PrimaryKey(HttpMethod method, Uri uri) =>
        method.Method + " " + uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    /// <summary>The field names a response's Vary lists, lower case, in order; <c>*</c> is kept as one name.</summary>
    public static string[] VaryNames(IEnumerable<string> varyValues)
    {
        var names = new List<string>();
        foreach (var value in varyValues)
        {
            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var name = part.ToLowerInvariant();
                if (!names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return [.. names];
    }

    public static bool VariesOnEverything(CacheEntry entry) => Array.IndexOf(entry.VaryNames, "*") >= 0;

    /// <summary>The request's value of each field, normalized (field lines joined with ", ", whitespace trimmed), or null when absent.</summary>
    public static string?[] SelectValues(string[] names, HttpRequestMessage request)
    {
        var values = new string?[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            values[i] = RequestValue(request, names[i]);
        }

        return values;
    }

    /// <summary>§4.1: the entry was obtained with the same values of every field its Vary names; Vary: * never matches.</summary>
    public static bool Matches(CacheEntry entry, HttpRequestMessage request)
    {
        for (var i = 0; i < entry.VaryNames.Length; i++)
        {
            var name = entry.VaryNames[i];
            if (name == "*" || !string.Equals(entry.VaryValues[i], RequestValue(request, name), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The most recent stored response that matches the request (§4.1: "the most recent one is used").</summary>
    public static CacheEntry? Select(List<CacheEntry>? variants, HttpRequestMessage request)
    {
        CacheEntry? best = null;
        if (variants is null)
        {
            return null;
        }

        foreach (var entry in variants)
        {
            if (Matches(entry, request) && (best is null || FreshnessRules.DateValue(entry) >= FreshnessRules.DateValue(best)))
            {
                best = entry;
            }
        }

        return best;
    }

    /// <summary>The variants with <paramref name="entry"/> in place of any stored for the same selecting values.</summary>
    public static List<CacheEntry> Replace(List<CacheEntry>? variants, CacheEntry entry)
    {
        var result = new List<CacheEntry>((variants?.Count ?? 0) + 1);
        if (variants is not null)
        {
            foreach (var existing in variants)
            {
                if (!SameSelection(existing, entry))
                {
                    result.Add(existing);
                }
            }
        }

        result.Add(entry);
        if (result.Count > MaxVariants)
        {
            result.RemoveAt(0);
        }

        return result;
    }

    private static bool SameSelection(CacheEntry a, CacheEntry b) =>
        a.VaryNames.AsSpan().SequenceEqual(b.VaryNames) && a.VaryValues.AsSpan().SequenceEqual(b.VaryValues);

    private static string? RequestValue(HttpRequestMessage request, string name)
    {
        if (request.Headers.NonValidated.TryGetValues(name, out var values)
            || (request.Content is not null && request.Content.Headers.NonValidated.TryGetValues(name, out values)))
        {
            return Normalize(values);
        }

        return null;
    }

    private static string Normalize(HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            return values.ToString().Trim();
        }

        var parts = new List<string>(values.Count);
        foreach (var value in values)
        {
            parts.Add(value.Trim());
        }

        return string.Join(", ", parts);
    }
}
