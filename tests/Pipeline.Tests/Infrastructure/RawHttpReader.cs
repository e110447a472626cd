using System.Net.Sockets;
using System.Text;

namespace Pipeline.Tests.Infrastructure;

/// <summary>Reads a request's head and a fixed-length body off a raw connection, for the raw-socket test servers.</summary>
internal static class RawHttpReader
{
    /// <summary>Reads up to and including the blank line that ends the head; an empty string when the peer closed first.</summary>
    public static async Task<string> ReadHeadAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (!(bytes.Count >= 4 && bytes[^1] == '\n' && bytes[^2] == '\r' && bytes[^3] == '\n' && bytes[^4] == '\r'))
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                break;
            }

            bytes.Add(one[0]);
        }

        return Encoding.Latin1.GetString(bytes.ToArray());
    }

    /// <summary>The header lines of a head (after the request line) as name/value pairs, in order.</summary>
    public static List<KeyValuePair<string, string>> ParseHeaders(string[] lines) =>
        lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => new KeyValuePair<string, string>(p[0], p[1].Trim())).ToList();

    /// <summary>The value of the first Content-Length header, or 0.</summary>
    public static int ContentLength(List<KeyValuePair<string, string>> headers) =>
        headers.Where(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value)).FirstOrDefault();

    /// <summary>Reads <paramref name="length"/> bytes, or fewer when the peer closes first (the rest stays zero).</summary>
    public static async Task<byte[]> ReadExactAsync(NetworkStream stream, int length, CancellationToken cancellationToken)
    {
        var body = new byte[length];
        for (var read = 0; read < length;)
        {
            var n = await stream.ReadAsync(body.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return body;
    }
}
