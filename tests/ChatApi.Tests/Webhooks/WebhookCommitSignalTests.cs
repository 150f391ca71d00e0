using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using ApiKit.Webhooks;
using Microsoft.Data.Sqlite;
using ChatApi.Tests.Auth;
using Microsoft.Extensions.DependencyInjection;

namespace ChatApi.Tests.Webhooks;

/// <summary>
/// The dispatcher is woken once a change's event is committed, not only when it is enqueued inside the still-open
/// transaction (where a dispatcher looking at once finds nothing and would wait for its next poll).
/// </summary>
public sealed class WebhookCommitSignalTests : IDisposable
{
    private readonly ConcurrentQueue<long> _sentEventsVisibleAtNotify = new();
    private readonly WebhookChatApiFactory _factory;

    public WebhookCommitSignalTests() =>
        _factory = new WebhookChatApiFactory { ConfigureServices = Record };

    [Fact]
    public async Task SendMessage_Committed_NotifiesTheDispatcherWhenItsEventIsVisible()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await _factory.CreateAdminClient()
            .PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url + "/sent", events = new[] { "message.sent" } })
            .ExpectAsync(HttpStatusCode.Created);
        var alice = await _factory.RegisterAsync();
        var room = await _factory.CreateRoomAsync(alice.Id);
        _sentEventsVisibleAtNotify.Clear();

        var message = await _factory.SendAsync(room, alice.Id, "wake up");

        // The publisher's own wake-up, inside the transaction, does not go through the public signal; the
        // repository's, after the commit, does and finds the event visible.
        Assert.Equal([1L], _sentEventsVisibleAtNotify);
        await receiver.WaitForAsync(r => r.Type == "message.sent" && r.Data.GetProperty("id").GetGuid() == message);
    }

    public void Dispose() => _factory.Dispose();

    private void Record(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IWebhookDispatcherSignal));
        services.Remove(original);
        services.AddSingleton<IWebhookDispatcherSignal>(sp =>
            new RecordingSignal((IWebhookDispatcherSignal)original.ImplementationFactory!(sp), this));
    }

    private long CountSentEvents()
    {
        // A connection of its own: it sees only what is committed.
        using var connection = new SqliteConnection($"Data Source={_factory.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM webhook_messages WHERE event_type = 'message.sent';";
        return (long)command.ExecuteScalar()!;
    }

    private sealed class RecordingSignal(IWebhookDispatcherSignal inner, WebhookCommitSignalTests test) : IWebhookDispatcherSignal
    {
        public void Notify()
        {
            test._sentEventsVisibleAtNotify.Enqueue(test.CountSentEvents());
            inner.Notify();
        }
    }
}
