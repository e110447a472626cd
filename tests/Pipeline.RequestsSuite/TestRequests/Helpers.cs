using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.RequestsSuite;

/// <summary>What the ported tests share: the httpbin URL builders, preparing without a session, sample bodies.</summary>
public abstract class RequestsTestBase(HttpbinFixture httpbinServer, HttpbinSecureFixture secureServer)
{
    protected HttpbinSecureFixture Secure { get; } = secureServer;

    /// <summary>A file's bytes for the multipart tests (requests posts its own test file): text with non-ASCII in it.</summary>
    protected static byte[] SampleFile { get; } = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("\"\"\"Tests for Requests.\"\"\" ëlïxr ☃\n", 64)));

    /// <summary>requests' <c>Request(...).prepare()</c>: Pipeline prepares through a session, so a fresh one that reads no environment.</summary>
    protected static PreparedRequest Prepare(Request request)
    {
        using var session = new Session { TrustEnv = false };
        return session.PrepareRequest(request);
    }

    protected static int Status(Response response) => (int)response.StatusCode;

    protected static string BodyText(PreparedRequest request) => Encoding.UTF8.GetString(request.Body ?? []);

    /// <summary>A file on disk with <paramref name="contents"/>, as the tests' <c>open(...)</c>; the fixture's folder goes with it.</summary>
    protected string TempFile(string contents)
    {
        var path = Path.Combine(Secure.Pki.Directory, "requests-suite-" + Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(path, contents);
        return path;
    }

    // The conftest fixtures keep requests' names so the ported bodies read like the originals.
#pragma warning disable IDE1006
    protected string httpbin(params string[] suffix) => TestRequestsCollection.PrepareUrl(httpbinServer.BaseUrl, suffix);

    protected string httpbin_secure(params string[] suffix) => TestRequestsCollection.PrepareUrl(Secure.BaseUrl, suffix);
#pragma warning restore IDE1006
}

/// <summary>A body stream that can only be read forward: requests' generator bodies and read-only file proxies.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data);

    public ForwardOnlyStream(string text)
        : this(Encoding.UTF8.GetBytes(text))
    {
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A seekable stream that forwards everything to another: requests' <c>__getattr__</c> proxies of a BytesIO.</summary>
internal sealed class ForwardingStream(Stream inner) : Stream
{
    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => inner.Length;

    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value) => inner.SetLength(value);

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
}
