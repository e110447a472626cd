/// <summary>What the upstream saw: the URL and headers of our request.</summary>
internal sealed record UpstreamEcho(string Url, Dictionary<string, string> Headers);
