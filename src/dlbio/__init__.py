"""dlbio: simulated biological data and small, honest training tools for the course on
*Ten quick tips for deep learning in biology* (Lee et al., PLoS Comput Biol 2022).
"""
__version__ = "0.1.0"
