namespace Pipeline.Tests.Caching;

/// <summary>Builds stored entries for the rules tests.</summary>
internal static class CacheEntries
{
    public static readonly DateTimeOffset Received = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    public static CacheEntry Create(int status = 200, params (string Name, string Value)[] headers) => new()
    {
        Status = status,
        Reason = "OK",
        Headers = [.. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
        Body = "body"u8.ToArray(),
        RequestTime = Received,
        ResponseTime = Received,
        VaryNames = [],
        VaryValues = [],
    };

    public static string HttpDate(DateTimeOffset value) => value.ToString("r");
}
