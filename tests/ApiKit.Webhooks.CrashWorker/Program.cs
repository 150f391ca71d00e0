// Runs a webhook dispatcher until killed: `sqlite <database path>` or `redis <configuration> <key prefix>`.
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

SQLitePCL.Batteries_V2.Init();
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
var webhooks = builder.Services.AddWebhooks(o =>
{
    o.RequireHttps = false;
    o.Ssrf.AllowedNetworks.Add("127.0.0.1/32");
    o.LeaseDuration = TimeSpan.FromSeconds(3);
    o.AttemptTimeout = TimeSpan.FromSeconds(2);
    o.PollInterval = TimeSpan.FromMilliseconds(100);
    o.BatchSize = 16;
    o.MaxInFlight = 32;
    o.RetrySchedule = [TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)];
});
if (args[0] == "sqlite")
{
    webhooks.UseSqlStore(o => o.ConnectionFactory = () => new SqliteConnection($"Data Source={args[1]};Default Timeout=30"));
}
else
{
    webhooks.UseRedisStore(o =>
    {
        o.Configuration = args[1];
        o.KeyPrefix = args[2];
    });
}

webhooks.AddDispatcher();
using var host = builder.Build();
await host.StartAsync();
Console.WriteLine("READY");
await host.WaitForShutdownAsync();
