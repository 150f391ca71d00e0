var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok());
app.Run();

/// <summary>Entry point, public so that WebApplicationFactory can host the app in tests.</summary>
public partial class Program;
