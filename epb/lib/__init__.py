"""Model-free helpers shared by every app. Nothing here imports Django models or epb apps."""
