using System.Text;

namespace Pipeline.RequestsSuite.Testserver;

/// <summary>Gets a <see cref="Response"/> for exact bytes: a <see cref="Server"/> answers one GET with them.</summary>
internal static class CannedResponse
{
    /// <summary>GETs a 200 with the given header lines (<c>"Name: value"</c>) and body; Content-Length is added.</summary>
    public static async Task<Response> GetAsync(IEnumerable<string> headers, byte[] body)
    {
        var head = "HTTP/1.1 200 OK\r\n" + string.Concat(headers.Select(h => h + "\r\n")) + $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await using var server = Server.BytesResponseServer([.. Encoding.Latin1.GetBytes(head), .. body], TimeSpan.FromSeconds(0.1));
        var (host, port) = server.Start();
        return await Requests.GetAsync($"http://{host}:{port}/");
    }

    /// <summary>GETs a 200 with the given body and no other header than Content-Length.</summary>
    public static Task<Response> GetAsync(byte[] body) => GetAsync([], body);
}
