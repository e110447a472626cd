using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline.Tests.Infrastructure;

/// <summary>
/// A throwaway PKI generated in the test: a CA, a server certificate for 127.0.0.1 and localhost signed by it, an
/// expired one, one for the wrong name, and a client certificate; all also written as PEM (and PKCS#12) files.
/// </summary>
public sealed class Certificates : IDisposable
{
    public Certificates()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pipeline-pki-").FullName;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Pipeline Test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));

        Server = Issue("CN=127.0.0.1", ["127.0.0.1", "localhost"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serverAuth: true);
        Expired = Issue("CN=expired", ["127.0.0.1", "localhost"], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1), serverAuth: true);
        WrongName = Issue("CN=elsewhere.test", ["elsewhere.test"], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serverAuth: true);
        Client = Issue("CN=pipeline-client", [], DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30), serverAuth: false);

        CaBundlePath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaBundlePath, Authority.ExportCertificatePem());
        CaDirectory = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "ca-dir")).FullName;
        File.WriteAllText(Path.Combine(CaDirectory, "test-ca.pem"), Authority.ExportCertificatePem());

        ClientCertPath = Path.Combine(Directory, "client.crt");
        ClientKeyPath = Path.Combine(Directory, "client.key");
        ClientCombinedPath = Path.Combine(Directory, "client.pem");
        ClientPkcs12Path = Path.Combine(Directory, "client.p12");
        File.WriteAllText(ClientCertPath, Client.ExportCertificatePem());
        File.WriteAllText(ClientKeyPath, Client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(ClientCombinedPath, Client.ExportCertificatePem() + "\n" + Client.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(ClientPkcs12Path, Client.Export(X509ContentType.Pkcs12, "p12-password"));
    }

    public string Directory { get; }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Expired { get; }

    public X509Certificate2 WrongName { get; }

    public X509Certificate2 Client { get; }

    public string CaBundlePath { get; }

    public string CaDirectory { get; }

    public string ClientCertPath { get; }

    public string ClientKeyPath { get; }

    public string ClientCombinedPath { get; }

    public string ClientPkcs12Path { get; }

    public void Dispose()
    {
        foreach (var certificate in new[] { Authority, Server, Expired, WrongName, Client })
        {
            certificate.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Issue(string subject, string[] names, DateTimeOffset notBefore, DateTimeOffset notAfter, bool serverAuth)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (names.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
            {
                if (IPAddress.TryParse(name, out var address))
                {
                    san.AddIpAddress(address);
                }
                else
                {
                    san.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        using var issued = request.Create(Authority, notBefore, notAfter, serial);

        // Kestrel and SslStream need the key with the certificate; a PKCS#12 round trip gives a persisted key on every OS.
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
