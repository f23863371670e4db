"""stub"""
MISTAKES = {}
