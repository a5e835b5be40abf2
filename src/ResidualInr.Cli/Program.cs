using ResidualInr.Cli;

return RinrApp.Run(args);
