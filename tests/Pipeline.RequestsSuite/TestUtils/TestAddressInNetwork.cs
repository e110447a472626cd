using Pipeline.RequestsSuite.Testserver;

namespace Pipeline.RequestsSuite;

/// <summary>
/// requests' tests/test_utils.py <c>TestAddressInNetwork</c>: <c>address_in_network(ip, net)</c> is whether a CIDR entry
/// of NO_PROXY makes <see cref="Session.MergeEnvironmentSettings"/> bypass the environment's proxy for that address.
/// </summary>
[Collection(EnvironmentCollection.Name)]
public sealed class TestAddressInNetwork
{
    [Fact]
    public void test_valid()
    {
        using var environ = new OverrideEnviron(("NO_PROXY", "192.168.1.0/24"), ("http_proxy", Observe.HttpProxy));

        Assert.Null(Observe.EnvironHttpProxy("http://192.168.1.1/"));
    }

    [Fact]
    public void test_invalid()
    {
        using var environ = new OverrideEnviron(("NO_PROXY", "192.168.1.0/24"), ("http_proxy", Observe.HttpProxy));

        Assert.NotNull(Observe.EnvironHttpProxy("http://172.16.0.1/"));
    }
}
