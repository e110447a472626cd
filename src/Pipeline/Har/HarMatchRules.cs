namespace Pipeline;

/// <summary>
/// How a replayed request finds its recorded entry: same method, same URL (without user information or fragment), and the
/// same body when one was recorded. Headers are never compared: they carry cookies, nonces and tokens that differ from run
/// to run.
/// </summary>
internal static class HarMatchRules
{
    /// <summary>The URL as requests are compared: scheme, host, port, path and query as escaped; no user information or fragment.</summary>
    public static string NormalizeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped)
            : url;

    /// <summary>
    /// Whether a request body matches the recorded one: equal bytes; the recorded prefix when the recording truncated it;
    /// or, for a form, the same fields with a redacted value matching any value (an OAuth 2.0 client secret).
    /// </summary>
    public static bool BodyMatches(HarReplayEntry entry, byte[]? body)
    {
        if (entry.RequestBody is not { } recorded)
        {
            return true;
        }

        body ??= [];
        if (recorded.AsSpan().SequenceEqual(body))
        {
            return true;
        }

        if (entry.RequestBodyTruncated)
        {
            return body.AsSpan().StartsWith(recorded);
        }

        return entry.RequestMimeType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            && FormMatches(System.Text.Encoding.UTF8.GetString(recorded), System.Text.Encoding.UTF8.GetString(body));
    }

    /// <summary>How unlike two requests are (Levenshtein distance of <c>METHOD url</c>), to list the nearest entries when none matches.</summary>
    public static int Distance(string a, string b)
    {
        // Long URLs are compared on their first characters; enough to rank them.
        const int Limit = 400;
        if (a.Length > Limit)
        {
            a = a[..Limit];
        }

        if (b.Length > Limit)
        {
            b = b[..Limit];
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    private static bool FormMatches(string recorded, string sent)
    {
        var expected = HarWriter.ParsePairs(recorded).ToList();
        var actual = HarWriter.ParsePairs(sent).ToList();
        if (expected.Count != actual.Count)
        {
            return false;
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].Key != actual[i].Key || (expected[i].Value != actual[i].Value && expected[i].Value != HarRedaction.Mask))
            {
                return false;
            }
        }

        return true;
    }
}
