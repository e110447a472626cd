using BenchmarkDotNet.Attributes;
using Flurl.Http;
using Pipeline.Testing;
using RestSharp;

namespace Pipeline.Benchmarks;

/// <summary>A Kestrel loopback app and the four clients every loopback scenario compares, with default settings.</summary>
public abstract class LoopbackClients
{
    protected LoopbackServer App { get; private set; } = null!;

    protected HttpClient Raw { get; private set; } = null!;

    protected Session Session { get; private set; } = null!;

    protected IFlurlClient Flurl { get; private set; } = null!;

    protected RestClient Rest { get; private set; } = null!;

    [GlobalSetup]
    public virtual void Setup()
    {
        App = Loopback.Start();
        Raw = new HttpClient();
        Session = new Session();
        Flurl = new FlurlClient(App.BaseUrl);
        Rest = new RestClient(App.BaseUrl);
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
        Raw.Dispose();
        Session.Dispose();
        Flurl.Dispose();
        Rest.Dispose();
        Loopback.Stop(App);
    }
}
