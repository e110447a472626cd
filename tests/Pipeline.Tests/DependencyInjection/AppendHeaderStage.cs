namespace Pipeline.Tests.DependencyInjection;

/// <summary>A user stage that appends a value to a request header, so the server shows which stages ran and in what order.</summary>
public class AppendHeaderStage(string name, string value) : DelegatingHandler
{
    public const string OrderHeader = "X-Stage-Order";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>Appends <c>first</c> to <see cref="AppendHeaderStage.OrderHeader"/>; created by the container for <c>AddStage&lt;T&gt;()</c>.</summary>
public sealed class FirstStage() : AppendHeaderStage(OrderHeader, "first");

/// <summary>Appends <c>second</c> to <see cref="AppendHeaderStage.OrderHeader"/>.</summary>
public sealed class SecondStage() : AppendHeaderStage(OrderHeader, "second");
