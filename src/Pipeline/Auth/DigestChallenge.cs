namespace Pipeline;

/// <summary>A parsed <c>WWW-Authenticate: Digest ...</c> challenge (requests' <c>parse_dict_header</c> on the part after "digest ").</summary>
internal sealed record DigestChallenge(string Realm, string Nonce, string? Qop, string? Algorithm, string? Opaque)
{
    /// <summary>Finds the Digest challenge among the WWW-Authenticate values, or returns null.</summary>
    public static DigestChallenge? Find(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            var index = value.IndexOf("digest ", StringComparison.OrdinalIgnoreCase);
            if (index < 0)
            {
                continue;
            }

            var parameters = ParseDictHeader(value[(index + 7)..]);
            if (parameters.TryGetValue("nonce", out var nonce))
            {
                return new DigestChallenge(
                    parameters.GetValueOrDefault("realm") ?? string.Empty,
                    nonce,
                    parameters.GetValueOrDefault("qop"),
                    parameters.GetValueOrDefault("algorithm"),
                    parameters.GetValueOrDefault("opaque"));
            }
        }

        return null;
    }

    /// <summary>Parses <c>key=value, key="quoted, value"</c> lists (RFC 9110 auth-param), keys case-insensitive.</summary>
    public static Dictionary<string, string> ParseDictHeader(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',')
            {
                i++;
            }

            var key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] == ',')
            {
                continue;
            }

            i++;
            string value;
            if (i < text.Length && text[i] == '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (i < text.Length && text[i] != '"')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    builder.Append(text[i]);
                    i++;
                }

                i++;
                value = builder.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }

                value = text[valueStart..i].Trim();
            }

            if (key.Length > 0)
            {
                result[key] = value;
            }
        }

        return result;
    }
}
