using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Pipeline.Tests.DependencyInjection;

public sealed class SessionSettingsValidatorTests
{
    [Fact]
    public async Task ValidateOnStart_NegativeMaxRedirects_FailsHostStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSession("bad", s => s.MaxRedirects = -1);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal("bad", error.OptionsName);
        Assert.Contains("MaxRedirects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_NegativeMaxRedirects_FailsStartupValidator()
    {
        using var provider = ServiceProviders.Build(services =>
        {
            services.AddSession("good");
            services.AddSession("bad", s => s.MaxRedirects = -1);
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("bad", error.OptionsName);
        Assert.Contains("MaxRedirects", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_ValidSettings_Passes()
    {
        using var provider = ServiceProviders.Build(services => services.AddSession("good", s => s.MaxRedirects = 0));

        provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(0, provider.GetRequiredKeyedService<Session>("good").MaxRedirects);
    }

    [Fact]
    public void ValidateOnStart_MissingCaBundle_FailsNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pipeline-missing-" + Guid.NewGuid().ToString("N"), "ca.pem");
        using var provider = ServiceProviders.Build(services => services.AddSession("tls", s => s.Verify = Verify.FromCaBundle(missing)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("tls", error.OptionsName);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateSession_MissingCaBundle_ThrowsBeforeAnyRequest()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pipeline-missing-" + Guid.NewGuid().ToString("N"), "ca.pem");
        using var provider = ServiceProviders.Build(services => services.AddSession("tls", s => s.Verify = Verify.FromCaBundle(missing)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredKeyedService<Session>("tls"));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateOnStart_ExistingCaBundle_Passes()
    {
        var bundle = Path.GetTempFileName();
        try
        {
            using var provider = ServiceProviders.Build(services => services.AddSession("tls", s => s.Verify = Verify.FromCaBundle(bundle)));

            provider.GetRequiredService<IStartupValidator>().Validate();

            Assert.Equal(bundle, provider.GetRequiredKeyedService<Session>("tls").Verify.CaBundlePath);
        }
        finally
        {
            File.Delete(bundle);
        }
    }

    [Fact]
    public void ValidateOnStart_MissingClientCertificate_FailsNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "pipeline-missing-" + Guid.NewGuid().ToString("N"), "client.pem");
        using var provider = ServiceProviders.Build(services => services.AddSession("mtls", s => s.Cert = ClientCert.FromPem(missing)));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}
