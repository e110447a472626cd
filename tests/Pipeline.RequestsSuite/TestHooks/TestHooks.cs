using System.Net.Sockets;
using System.Text;
using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_hooks.py. requests calls <c>dispatch_hook</c> on a plain value; Pipeline's hooks run on responses,
/// so the value is the body of a response from a loopback server that answers each path with the path itself, and
/// requests' <c>hook(value) = value[1:]</c> is a hook that returns the response for the value without its first letter.
/// </summary>
public sealed class TestHooks
{
    [Theory]
    [InlineData("hook", "ata")]
    [InlineData("hook, lambda x: None, hook", "ta")]
    public async Task test_hooks(string hooksList, string result)
    {
        await using var server = new Server(PathAsBodyHandler, requestsToHandle: 10);
        var (host, port) = server.Start();
        string Url(string value) => $"http://{host}:{port}/{value}";
        async Task<Response?> Hook(Response value, CancellationToken cancellationToken) =>
            await Requests.GetAsync(Url(value.Text[1..]), cancellationToken: cancellationToken);
        var hooks = new HookMap();
        foreach (var hook in hooksList.Split(", "))
        {
            if (hook == "hook")
            {
                hooks.Response.AddAsync(Hook);
            }
            else
            {
                hooks.Response.Add(x => null);
            }
        }

        var response = await Requests.GetAsync(Url("Data"), new() { Hooks = hooks });

        Assert.Equal(result, response.Text);
    }

    [Fact]
    public void test_default_hooks()
    {
        using var session = new Session();

        Assert.Empty(new HookMap().Response);
        Assert.Empty(session.Hooks.Response);
    }

    /// <summary>Answers <c>GET /value</c> with the body <c>value</c>, one request per connection.</summary>
    private static byte[]? PathAsBodyHandler(Socket sock)
    {
        var request = Server.ConsumeSocketContent(sock, TimeSpan.FromSeconds(0.2));
        if (request.Length == 0)
        {
            // A connection the client's pool opened ahead and left idle: nothing to answer.
            return request;
        }

        var path = Encoding.ASCII.GetString(request).Split(' ')[1];
        var body = Uri.UnescapeDataString(path[1..]);
        sock.Send(Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}"));
        return request;
    }
}
