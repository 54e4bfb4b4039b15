using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using TenantReconciler.Planning;

namespace TenantReconciler.Rendering;

/// <summary>What the JSON contracts (the plan and the tenant view) share: the writer settings and a registration's identity.</summary>
internal static class JsonContract
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    /// <summary>Writes one document through <paramref name="write"/>, then a final newline.</summary>
    public static void Write(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        writer.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        writer.Write('\n');
    }

    /// <summary><c>id</c>, <c>subscriptionId</c>, <c>resourceGroup</c> and <c>name</c>, in that order.</summary>
    public static void WriteIdentity(Utf8JsonWriter json, RegistrationRef registration)
    {
        json.WriteString("id", registration.Id.ToString());
        json.WriteString("subscriptionId", PlanText.Id(registration.SubscriptionId));
        json.WriteString("resourceGroup", registration.ResourceGroup);
        json.WriteString("name", registration.Name);
    }
}
