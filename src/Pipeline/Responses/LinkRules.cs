namespace Pipeline;

/// <summary>requests' <c>parse_header_links</c>: <c>&lt;url&gt;; rel="next"; type=…, &lt;url2&gt;; …</c>.</summary>
internal static class LinkRules
{
    private static readonly char[] ReplaceChars = [' ', '\'', '"'];

    public static IReadOnlyDictionary<string, Link> Parse(string? header)
    {
        var links = new Dictionary<string, Link>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
        {
            return links;
        }

        foreach (var value in SplitLinks(header.Trim(ReplaceChars)))
        {
            var semicolon = value.IndexOf(';', StringComparison.Ordinal);
            var url = (semicolon < 0 ? value : value[..semicolon]).Trim().Trim('<', '>', ' ', '\'', '"');
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (semicolon >= 0)
            {
                foreach (var parameter in value[(semicolon + 1)..].Split(';'))
                {
                    var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 0)
                    {
                        continue;
                    }

                    parameters[parameter[..equals].Trim(ReplaceChars).ToLowerInvariant()] = parameter[(equals + 1)..].Trim(ReplaceChars);
                }
            }

            var link = new Link(url, parameters);
            links[link.Rel ?? url] = link;
        }

        return links;
    }

    // Splits on commas that separate links. As requests' re.split(", *<"), a comma separates only when the next link's
    // '<' follows it, so a comma in a quoted parameter (title="a, b") stays; a comma inside <...> belongs to the URL.
    private static List<string> SplitLinks(string header)
    {
        var result = new List<string>();
        var start = 0;
        var inUrl = false;
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i])
            {
                case '<':
                    inUrl = true;
                    break;
                case '>':
                    inUrl = false;
                    break;
                case ',' when !inUrl && NextLinkStarts(header, i + 1):
                    result.Add(header[start..i]);
                    start = i + 1;
                    break;
            }
        }

        result.Add(header[start..]);
        return result.Where(s => s.Trim().Length > 0).ToList();
    }

    private static bool NextLinkStarts(string header, int index)
    {
        while (index < header.Length && char.IsWhiteSpace(header[index]))
        {
            index++;
        }

        return index < header.Length && header[index] == '<';
    }
}
