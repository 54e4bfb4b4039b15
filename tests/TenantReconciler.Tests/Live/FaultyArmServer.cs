using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;

namespace TenantReconciler.Tests.Live;

/// <summary>One request as <see cref="FaultyArmServer"/> saw it.</summary>
internal sealed record FaultyRequest(
    int Index,
    string Method,
    string PathAndQuery,
    string? Authorization,
    string? CorrelationId,
    string? ContentType,
    string Body,
    Uri BaseUri);

/// <summary>
/// What <see cref="FaultyArmServer"/> answers. <paramref name="ContentLength"/> announces the body's length (otherwise it
/// is sent chunked); <paramref name="CutAfter"/> sends only that many bytes of the body, then aborts the connection.
/// </summary>
internal sealed record FaultyResponse(
    int Status,
    string? Body = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    bool ContentLength = false,
    int? CutAfter = null);

/// <summary>
/// A misbehaving "ARM" for the cases the emulator does not produce: failures on a later page, foreign or looping
/// <c>nextLink</c>s, malformed items. Real HTTPS over Kestrel on 127.0.0.1 with its own self-signed certificate;
/// every answer comes from a script given by the test.
/// </summary>
internal sealed class FaultyArmServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FaultyRequest> _requests = new();

    private FaultyArmServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The server certificate (with its key, which tests do not need).</summary>
    public X509Certificate2 Certificate { get; }

    public IReadOnlyList<FaultyRequest> Requests => [.. _requests];

    /// <param name="respond">The script: called once per request, in order.</param>
    /// <param name="dnsName">When set, the certificate names only this DNS name (not 127.0.0.1), to provoke a name mismatch.</param>
    public static async Task<FaultyArmServer> StartAsync(Func<FaultyRequest, FaultyResponse> respond, string? dnsName = null)
    {
        var certificate = CreateCertificate(dnsName);
        var app = LoopbackServer.Create(certificate);
        var server = new FaultyArmServer(app, certificate);
        var index = -1;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var request = new FaultyRequest(
                Interlocked.Increment(ref index),
                context.Request.Method,
                context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent(),
                context.Request.Headers.Authorization.ToString(),
                context.Request.Headers["x-ms-correlation-request-id"].ToString(),
                context.Request.ContentType,
                await reader.ReadToEndAsync(context.RequestAborted),
                server.BaseUri);
            server._requests.Enqueue(request);
            var response = respond(request);
            context.Response.StatusCode = response.Status;
            context.Response.Headers["x-ms-request-id"] = $"faulty-{request.Index}";
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (response.Body is not null)
            {
                context.Response.ContentType = "application/json; charset=utf-8";
                var body = System.Text.Encoding.UTF8.GetBytes(response.Body);
                if (response.ContentLength || response.CutAfter is not null)
                {
                    context.Response.ContentLength = body.Length;
                }

                await context.Response.Body.WriteAsync(body.AsMemory(0, Math.Min(body.Length, response.CutAfter ?? int.MaxValue)), context.RequestAborted);
                if (response.CutAfter is not null)
                {
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    context.Abort();
                }
            }
        });
        server.BaseUri = await LoopbackServer.StartAsync(app);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private static X509Certificate2 CreateCertificate(string? dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=faulty-arm", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        if (dnsName is null)
        {
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(dnsName);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
